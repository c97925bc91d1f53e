import { describe, expect, it } from 'vitest';
import { suggestField, unknownFieldProblem } from './validation';

const TASK_FIELDS = ['file_url', 'url', 'language', 'task', 'priority', 'callback_url', 'callback_include_result'];

describe('suggestField', () => {
  it('finds the field meant by a prefix, another spelling or a typo', () => {
    expect(suggestField('lang', TASK_FIELDS)).toBe('language');
    expect(suggestField('languages', TASK_FIELDS)).toBe('language');
    expect(suggestField('fileUrl', TASK_FIELDS)).toBe('file_url');
    expect(suggestField('PRIORITY', TASK_FIELDS)).toBe('priority');
    expect(suggestField('priorty', TASK_FIELDS)).toBe('priority');
    expect(suggestField('callback', TASK_FIELDS)).toBe('callback_url');
  });

  it('suggests nothing for a name close to none', () => {
    expect(suggestField('zzzz', TASK_FIELDS)).toBeUndefined();
    expect(suggestField('ab', TASK_FIELDS)).toBeUndefined();
    expect(suggestField('lang', [])).toBeUndefined();
    expect(suggestField('--', TASK_FIELDS)).toBeUndefined();
  });
});

describe('unknownFieldProblem', () => {
  it('names the field and the one meant, or the fields accepted', () => {
    expect(unknownFieldProblem('lang', TASK_FIELDS)).toBe('lang is not a field; did you mean language?');
    expect(unknownFieldProblem('zzzz', ['a', 'b'])).toBe('zzzz is not a field; the fields are a, b');
    expect(unknownFieldProblem('zzzz', [])).toBe('zzzz is not a field; this request takes no fields besides the file');
    expect(unknownFieldProblem('file', TASK_FIELDS)).toMatch(/^file must be sent as a file .*curl -F file=@/);
  });
});

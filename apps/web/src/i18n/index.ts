import { en, type MessageKey } from './en';
import { zh } from './zh';

/** The page's languages: English, and Simplified Chinese for browsers that prefer Chinese. */
export type Language = 'en' | 'zh';

/** The first of the browser's languages that the page speaks (zh-CN, zh-Hans, zh → zh); English otherwise. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower === 'en' || lower.startsWith('en-')) return 'en';
    if (lower === 'zh' || lower.startsWith('zh-')) return 'zh';
  }
  return 'en';
}

export const language: Language = pickLanguage(
  navigator.languages?.length ? navigator.languages : [navigator.language || 'en'],
);

/** The BCP 47 locale for Intl formats (dates, numbers, language names). */
export const locale = language === 'zh' ? 'zh-CN' : 'en';

const messages: Record<MessageKey, string> = language === 'zh' ? zh : en;

/** The text of a message in the page's language, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

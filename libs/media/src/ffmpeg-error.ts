/**
 * Shortens an ffmpeg/ffprobe error to the line that explains it, e.g.
 * "Invalid data found when processing input", dropping the banner and the file name that
 * prefixes it. Returns at most 300 characters.
 * @param error an Error, or the tool's stderr as text
 * @param stderr more of the tool's stderr, read before `error`
 */
export function ffmpegReason(error: unknown, stderr = ''): string {
  const text = `${stderr}\n${error instanceof Error ? error.message : String(error)}`;
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) => line && !/^(ffmpeg|ffprobe) (version|was killed)|^(built with|configuration:|lib\w+ +\d)/.test(line),
    );
  const telling = lines.filter((line) => /invalid|error|no such|unknown|not|unsupported|failed|could not/i.test(line));
  const reason = (telling.at(-1) ?? lines.at(-1) ?? 'unknown error').replace(/^.*?:\s(?=[A-Z])/, '');
  return reason.slice(0, 300);
}

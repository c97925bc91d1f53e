/** 400 body for a multipart request without `file`. */
export const MISSING_FILE = {
  message:
    'file is missing: send the audio or video as the multipart/form-data field "file", e.g. curl -F file=@talk.mp3 …',
  details: [{ field: 'file', problems: ['file is required'] }],
};

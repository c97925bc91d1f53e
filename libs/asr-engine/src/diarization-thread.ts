/**
 * What the diarization thread receives for one file: Float32 samples in [-1, 1], or 16-bit chunks
 * (`PcmRecorder.release()`, scaled by `pcm16Scale`), and sherpa-onnx's clustering setting.
 */
export interface DiarizationRequest {
  samples: Float32Array | Int16Array[];
  clustering: { numClusters: number; threshold: number };
}

/** What the diarization thread sends back. */
export type DiarizationReply =
  | { type: 'ready'; sampleRate: number }
  | { type: 'progress'; fraction: number }
  | { type: 'done'; segments: { start: number; end: number; speaker: number }[] }
  | { type: 'failed'; message: string };

/** The thread's `workerData`. */
export interface DiarizationThreadData {
  /** Absolute paths of sherpa-onnx-node's entry and of its native addon's loader. */
  sherpaOnnxNode: string;
  addon: string;
  /** sherpa-onnx's `OfflineSpeakerDiarizationConfig`. */
  config: unknown;
  /** `PCM16_SCALE`. */
  pcm16Scale: number;
}

/**
 * The program of the diarization thread (CommonJS, run with `new Worker(…, { eval: true })`, so it
 * needs no file of its own in dist/ and runs the same under the tests). It loads sherpa-onnx's
 * `OfflineSpeakerDiarization` once, says `ready`, and then diarizes one request at a time with
 * `offlineSpeakerDiarizationProcessAsync`: the conversion of 16-bit chunks to Float32 and the
 * addon's copy of the samples (about 20 ms per minute of audio, synchronous in the calling
 * thread) happen here, never on the app's event loop. Progress is sent when it moves by 0.5 % or
 * more, and at the end. Errors are sent as `failed`; the thread stays up for the next request.
 */
export const DIARIZATION_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { OfflineSpeakerDiarization } = require(workerData.sherpaOnnxNode);
const addon = require(workerData.addon);
const message = (error) => (error && error.message) || String(error);
let diarization;
try {
  diarization = new OfflineSpeakerDiarization(workerData.config);
  parentPort.postMessage({ type: 'ready', sampleRate: diarization.sampleRate });
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: message(error) });
}
function float32(samples) {
  if (!Array.isArray(samples)) return samples;
  const out = new Float32Array(samples.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of samples) {
    for (let i = 0; i < chunk.length; i++) out[offset + i] = chunk[i] / workerData.pcm16Scale;
    offset += chunk.length;
  }
  return out;
}
parentPort.on('message', async ({ samples, clustering }) => {
  try {
    const input = float32(samples);
    let segments = [];
    if (input.length > 0) {
      diarization.setConfig({ clustering });
      let sent = -1;
      segments = await addon.offlineSpeakerDiarizationProcessAsync(diarization.handle, input, (done, total) => {
        const fraction = total > 0 ? done / total : 0;
        if (fraction - sent >= 0.005 || fraction === 1) {
          sent = fraction;
          parentPort.postMessage({ type: 'progress', fraction });
        }
      });
    }
    parentPort.postMessage({ type: 'done', segments: segments.map(({ start, end, speaker }) => ({ start, end, speaker })) });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: message(error) });
  }
});
`;

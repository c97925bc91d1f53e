/**
 * `npm run models:download -- [name ...]`: installs Whisper models (default: ASR_MODEL and the
 * models of ASR_MODELS) and Silero VAD (VAD_MODEL) from the official sherpa-onnx release archives
 * (MODELS_BASE_URL) into MODELS_DIR. The name `diarization` installs the two speaker-diarization
 * models instead of a Whisper model (DIARIZATION_SEGMENTATION_MODEL and DIARIZATION_EMBEDDING_MODEL,
 * from DIARIZATION_MODELS_BASE_URL). Models already present are left alone. Exits 1 with the reason
 * on failure.
 */
import { installDiarizationModels, installVadModel, installWhisperModel, type DownloadProgress } from '@app/asr-engine';
import { type HarkConfig, loadConfigOrExit } from '@app/config';

const MiB = 1024 * 1024;

/** The argument that installs the diarization models instead of a Whisper model. */
const DIARIZATION = 'diarization';

function progressPrinter(label: string): DownloadProgress {
  let lastShown = -1;
  return (received, total) => {
    const percent = total ? Math.floor((received / total) * 100) : null;
    const step = percent ?? Math.floor(received / (10 * MiB));
    if (step === lastShown || (!process.stderr.isTTY && percent !== null && percent % 10 !== 0)) return;
    lastShown = step;
    const amount = `${(received / MiB).toFixed(1)} MiB${total ? ` / ${(total / MiB).toFixed(1)} MiB (${percent}%)` : ''}`;
    process.stderr.write(process.stderr.isTTY ? `\r  ${label}: ${amount}` : `  ${label}: ${amount}\n`);
  };
}

/** Installs both diarization models, showing each file's progress on its own line. */
async function installDiarization(config: HarkConfig): Promise<void> {
  let printed = 0;
  const installed = await installDiarizationModels(
    config.diarizationSegmentationModel,
    config.diarizationEmbeddingModel,
    config.diarizationModelsBaseUrl,
    (file) => {
      if (process.stderr.isTTY && printed++ > 0) process.stderr.write('\n');
      return progressPrinter(file);
    },
  );
  if (process.stderr.isTTY && printed > 0) process.stderr.write('\n');
  const state = (downloaded: boolean) => (downloaded ? 'Installed' : 'Already present');
  console.log(
    `${state(installed.segmentation)}: diarization segmentation model at ${config.diarizationSegmentationModel}`,
  );
  console.log(`${state(installed.embedding)}: diarization embedding model at ${config.diarizationEmbeddingModel}`);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  // By default: the default model and every model this processor serves (ASR_MODELS).
  for (const name of names.length ? names : [...new Set([config.asrModel, ...config.asrModels])]) {
    if (name === DIARIZATION) {
      await installDiarization(config);
      continue;
    }
    const { files, downloaded } = await installWhisperModel(
      config.modelsDir,
      name,
      config.modelsBaseUrl,
      progressPrinter(name),
    );
    if (process.stderr.isTTY && downloaded) process.stderr.write('\n');
    console.log(`${downloaded ? 'Installed' : 'Already present'}: Whisper ${name} in ${files.dir}`);
  }
  const vadDownloaded = await installVadModel(
    config.vadModel,
    config.modelsBaseUrl,
    progressPrinter('silero_vad.onnx'),
  );
  if (process.stderr.isTTY && vadDownloaded) process.stderr.write('\n');
  console.log(`${vadDownloaded ? 'Installed' : 'Already present'}: Silero VAD at ${config.vadModel}`);
}

main().catch((error: unknown) => {
  console.error(`models:download failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

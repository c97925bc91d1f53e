/**
 * `npm run models:download -- [name ...]`: installs Whisper models (default: ASR_MODEL) and
 * Silero VAD (VAD_MODEL) from the official sherpa-onnx release archives (MODELS_BASE_URL) into
 * MODELS_DIR. Models already present are left alone. Exits 1 with the reason on failure.
 */
import { installVadModel, installWhisperModel, type DownloadProgress } from '@app/asr-engine';
import { loadConfigOrExit } from '@app/config';

const MiB = 1024 * 1024;

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

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  for (const name of names.length ? names : [config.asrModel]) {
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

import { CudaUnavailableError, cudaAddonProblem, listNvidiaGpus } from '@app/asr-engine';
import {
  childProcessEnv,
  createLogger,
  type HarkConfig,
  notifySupervisorReady,
  stopWhenSupervisorGoes,
} from '@app/config';
import { DeviceSupervisor } from './device-supervisor';
import { type Device, DeviceError, resolveDevices } from './devices';
import { portOf, serveSupervisorHealth } from './supervisor-health';

/** Extra time, beyond SHUTDOWN_GRACE_MS, that a draining worker gets before it is killed, in ms. */
const STOP_MARGIN_MS = 10_000;

/**
 * The devices of ASR_DEVICES, checked before any worker starts: the GPUs named exist and the
 * installed sherpa-onnx has CUDA support. Hark never runs a CUDA device on the CPU.
 * @throws DeviceError or CudaUnavailableError saying what is wrong and what to change
 */
async function checkedDevices(config: HarkConfig): Promise<Device[]> {
  const devices = await resolveDevices(config.asrDevices, listNvidiaGpus);
  const problem = devices.some((device) => device.provider === 'cuda') ? cudaAddonProblem() : null;
  if (problem) throw new CudaUnavailableError(problem);
  return devices;
}

/**
 * A processor with several devices (or a GPU): one worker process per device, supervised
 * (`DeviceSupervisor`), with the probes of all of them on PROCESSOR_HEALTH_PORT. Exits with status 1,
 * naming the cause, when a device cannot be used; drains every worker on SIGTERM or SIGINT.
 */
export async function superviseDevices(config: HarkConfig): Promise<void> {
  const logger = createLogger(config, 'Processor');
  let devices: Device[];
  try {
    devices = await checkedDevices(config);
  } catch (error) {
    if (!(error instanceof DeviceError) && !(error instanceof CudaUnavailableError)) throw error;
    logger.fatal(
      `Cannot run on ASR_DEVICES=${config.asrDevices.join(',')}: ${error.message} Hark never runs a CUDA device on the CPU: fix the GPU setup (README "GPU"), or set ASR_DEVICES=cpu.`,
    );
    process.exit(1);
  }
  const labels = devices.map((device) => device.label).join(', ');
  let port = 0;
  const supervisor = new DeviceSupervisor(devices, {
    script: process.argv[1],
    env: childProcessEnv(),
    logger,
    stopGraceMs: config.shutdownGraceMs + STOP_MARGIN_MS,
    onAllReady: () => {
      logger.log(`Processor ready: ${devices.length} devices (${labels}), one worker each; health on port ${port}`);
      notifySupervisorReady(port); // npm start prints "Hark is ready" once both apps are
    },
    onFatal: (message) => {
      logger.fatal(message);
      void supervisor.stop().then(() => process.exit(1));
    },
  });
  const server = await serveSupervisorHealth(() => supervisor.states(), config.apiHost, config.processorHealthPort);
  port = portOf(server);
  logger.log(`Starting ${devices.length} device workers: ${labels}`);
  supervisor.start();
  const drain = async (signal: string) => {
    logger.log(`${signal}: draining the device workers`);
    await supervisor.stop();
    server.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void drain('SIGTERM'));
  process.once('SIGINT', () => void drain('SIGINT'));
  stopWhenSupervisorGoes();
}

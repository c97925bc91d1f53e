import type { HarkConfig } from '@app/config';

/** One device a worker process runs Whisper on. */
export type Device = { label: 'cpu'; provider: 'cpu' } | { label: `cuda:${number}`; provider: 'cuda'; index: number };

/** A GPU as `nvidia-smi -L` lists it. */
export interface GpuInfo {
  index: number;
  name: string;
}

/** Thrown when ASR_DEVICES names devices this machine does not have; the message says what to change. */
export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

/**
 * The devices of ASR_DEVICES (`cpu`, `cuda:<index>`, `cuda` = every GPU), one worker process each,
 * in the order given. `cpu` may repeat (several CPU workers); a GPU is used once.
 * @param listGpus lists the machine's GPUs (`nvidia-smi -L`); called only when a CUDA device is named
 * @throws DeviceError for a GPU index the machine does not have, or `cuda` with no GPU; what
 *   `listGpus` throws when the GPUs cannot be listed (no driver, no nvidia-smi)
 */
export async function resolveDevices(specs: readonly string[], listGpus: () => Promise<GpuInfo[]>): Promise<Device[]> {
  const gpus = specs.some((spec) => spec.startsWith('cuda')) ? await listGpus() : [];
  const devices: Device[] = [];
  const add = (index: number) => {
    if (!devices.some((device) => device.provider === 'cuda' && device.index === index))
      devices.push({ label: `cuda:${index}`, provider: 'cuda', index });
  };
  for (const spec of specs) {
    if (spec === 'cpu') devices.push({ label: 'cpu', provider: 'cpu' });
    else if (spec === 'cuda') {
      if (gpus.length === 0) throw new DeviceError('ASR_DEVICES=cuda, but nvidia-smi -L lists no GPU.');
      gpus.forEach((gpu) => add(gpu.index));
    } else {
      const index = Number(spec.slice('cuda:'.length));
      if (!gpus.some((gpu) => gpu.index === index)) {
        const listed = gpus.map((gpu) => `cuda:${gpu.index} (${gpu.name})`).join(', ') || 'none';
        throw new DeviceError(`ASR_DEVICES names ${spec}, but this machine's GPUs are: ${listed}.`);
      }
      add(index);
    }
  }
  return devices;
}

/**
 * The environment of a device's worker process: its device (`HARK_WORKER_DEVICE`) and the GPUs it
 * sees. ONNX Runtime in sherpa-onnx always runs on device 0 of the GPUs a process can see, so a
 * CUDA worker sees only its own GPU (`CUDA_VISIBLE_DEVICES=<index>`, which CUDA then numbers 0),
 * and a CPU worker sees none. `CUDA_DEVICE_ORDER=PCI_BUS_ID` makes CUDA number the GPUs as
 * `nvidia-smi` does (CUDA's default order is fastest first).
 */
export function deviceEnvironment(device: Device): Record<string, string> {
  return {
    HARK_WORKER_DEVICE: device.label,
    CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    CUDA_VISIBLE_DEVICES: device.provider === 'cuda' ? String(device.index) : '',
  };
}

/**
 * The device this worker process runs Whisper on, as the probes and the processor registry name it:
 * its supervisor's `HARK_WORKER_DEVICE` (`cpu`, `cuda:<index>`), or `cpu` for a processor that is
 * its own single worker (ASR_DEVICES=cpu).
 */
export function workerDeviceLabel(config: Pick<HarkConfig, 'workerDevice'>): string {
  return config.workerDevice ?? 'cpu';
}

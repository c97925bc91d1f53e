import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceWorkerState } from './device-supervisor';

/** How long a device worker's own readiness probe may take, in ms. */
const WORKER_PROBE_TIMEOUT_MS = 2000;

/** One device in the supervisor's readiness answer: its worker's state and that worker's own `/health/ready` body. */
export interface DeviceHealth extends Omit<DeviceWorkerState, 'healthPort'> {
  ready: boolean;
  /** The worker's own readiness answer (Redis, Postgres, model, worker), when it answered. */
  health?: unknown;
}

/** GET a worker's `/health/ready`: its status code and JSON body, or null when it does not answer in time. */
function probe(host: string, port: number): Promise<{ status: number; body: unknown } | null> {
  return new Promise((done) => {
    const request = get({ host, port, path: '/health/ready', timeout: WORKER_PROBE_TIMEOUT_MS }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        try {
          done({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch {
          done({ status: response.statusCode ?? 0, body: text });
        }
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => done(null));
  });
}

/**
 * The probes of a processor that supervises devices, on PROCESSOR_HEALTH_PORT: `/health/live`
 * (200 while the supervisor runs) and `/health/ready`, which asks each device's worker for its own
 * readiness and answers 200 when every device is ready, else 503, with
 * `{status: 'ok' | 'error', devices: [{device, state, pid, restarts, ready, health}]}`.
 * @returns the listening server (its port: `address().port`)
 */
export async function serveSupervisorHealth(
  states: () => DeviceWorkerState[],
  host: string,
  port: number,
): Promise<Server> {
  const probeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const server = createServer((request, response) => {
    const send = (status: number, body: object) =>
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, { message: 'Use GET.' });
    if (path === '/health/live') return send(200, { status: 'ok' });
    if (path !== '/health/ready') return send(404, { message: 'Probes: /health/live and /health/ready.' });
    void Promise.all(
      states().map(async ({ healthPort, ...state }): Promise<DeviceHealth> => {
        const answer = healthPort === null ? null : await probe(probeHost, healthPort);
        return { ...state, ready: answer?.status === 200, ...(answer && { health: answer.body }) };
      }),
    ).then((devices) => {
      const ready = devices.every((device) => device.ready);
      send(ready ? 200 : 503, { status: ready ? 'ok' : 'error', devices });
    });
  });
  await new Promise<void>((listening, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => listening());
  });
  return server;
}

/** The port a server listens on. */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

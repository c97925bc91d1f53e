export {
  ConfigError,
  createLogger,
  HarkConfig,
  loadConfig,
  loadConfigOrExit,
  logLevelsFrom,
  type PlatformSettings,
} from './config';
export { HarkConfigModule } from './config.module';
export { routeProcessOutputToLogger } from './process-output';
export { API_KEY_NAME, apiKeyId, readApiKeys, type ApiKey } from './api-keys';
export { ASR_PROVIDERS, Environment, LOG_LEVELS, parseBoolean } from './environment';
export type { AsrProvider, LogLevel } from './environment';
export { notifySupervisorReady, READY_MESSAGE, stopWhenSupervisorGoes } from './supervisor-link';

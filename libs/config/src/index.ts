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
export { childProcessEnv, envWithLibraryPath } from './process-env';
export { DEFAULT_RESTART_BACKOFF, RestartBackoff, type RestartBackoffPolicy } from './restart-backoff';
export { API_KEY_NAME, apiKeyId, readApiKeys, type ApiKey } from './api-keys';
export {
  ASR_PRECISIONS,
  ASR_PROVIDERS,
  DEVICE_PATTERN,
  describeVariables,
  Environment,
  LOG_LEVELS,
  MODEL_NAME_PATTERN,
  parseBoolean,
} from './environment';
export type { AsrPrecision, AsrProvider, DescribedVariable, LogLevel, VariableDoc, VariableGroup } from './environment';
export { isReadyMessage, notifySupervisorReady, READY_MESSAGE, stopWhenSupervisorGoes } from './supervisor-link';
export type { ReadyMessage } from './supervisor-link';

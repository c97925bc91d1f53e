/** Which app a module is built for: the api produces and waits for jobs, a processor consumes them. */
export type AppRole = 'api' | 'processor';

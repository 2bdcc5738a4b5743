export * from './api';
export * from './commands';
export * from './errors';
export * from './events';
export * from './guard';
export * from './limits';
export * from './schemas';
export * from './store-schemas';

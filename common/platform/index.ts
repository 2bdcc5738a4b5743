export * from './admin';
export * from './assignments';
export * from './exams';
export * from './queue';
export * from './realtime';
export * from './room';
export * from './scores';
export * from './wire';

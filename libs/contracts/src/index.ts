export * from './clock';
export * from './topics';

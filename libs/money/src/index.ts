export * from './currencies';
export * from './fraction';
export * from './money';
export * from './money.errors';

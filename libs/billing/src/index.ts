export * from './billing-periods';
export * from './billing.errors';
export * from './calendar-date';
export * from './contract';
export * from './contract-changes';
export * from './deal-input';
export * from './document-schedule';
export * from './tax';

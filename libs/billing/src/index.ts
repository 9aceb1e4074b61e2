export * from './billing-periods';
export * from './billing.errors';
export * from './calendar-date';

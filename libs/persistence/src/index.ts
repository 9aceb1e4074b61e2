export * from './data-source-options';
export * from './database-url';
export * from './ensure-database';
export * from './serialized-migrations';
export * from './prepared-statements';
export * from './group-commit';

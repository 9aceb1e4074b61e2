// The deployment checks need no running service: the compose file and every service's environment in it,
// the Dockerfile, and the Kubernetes overlays rendered by kubectl kustomize, each against its schema.
const base = require('../../jest.preset').jestConfig(__dirname, 'unit');
module.exports = { ...base, testMatch: ['<rootDir>/test/**/*.spec.ts'], testTimeout: 600_000 };

// Validates Kubernetes objects (a JSON array on stdin) with the models of `kubernetes-models`, the Kubernetes
// OpenAPI schemas compiled to validators. Prints a JSON array of { ref, error } for the ones that fail, and
// for apiVersion/kind pairs it has no model of. ESM only, hence a process of its own rather than jest.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const problems = [];
for (const object of objects) {
  const ref = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  let model;
  try {
    const module = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`);
    model = module[object.kind];
  } catch {
    problems.push({ ref, error: 'kubernetes-models has no schema of this apiVersion and kind' });
    continue;
  }
  try {
    new model(object).validate();
  } catch (error) {
    problems.push({ ref, error: String(error) });
  }
}
process.stdout.write(JSON.stringify(problems));

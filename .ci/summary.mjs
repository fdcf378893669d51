// Adds up every package's vitest JSON report and the CI steps into one "N passed, N failed" line.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [checksPassed = 0, checksFailed = 0] = process.argv.slice(2).map(Number);
const dirs = [
  ...readdirSync('packages').map((name) => join('packages', name)),
  ...(existsSync('bench/tests') ? ['bench'] : []),
];
let passed = 0;
let failed = 0;
let missing = 0;
for (const dir of dirs) {
  const file = join(dir, '.test-results.json');
  if (!existsSync(join(dir, 'tests'))) continue;
  if (!existsSync(file)) {
    console.log(`${dir}: no test report (the test run did not finish)`);
    missing += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  console.log(
    `${dir}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
  );
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  if (report.numTotalTests === 0) missing += 1;
}
console.log(`checks: ${checksPassed} passed, ${checksFailed} failed`);
const totalFailed = failed + missing + checksFailed;
console.log(`${passed + checksPassed} passed, ${totalFailed} failed`);
process.exit(totalFailed > 0 || passed === 0 ? 1 : 0);

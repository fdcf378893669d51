// Adds up the packages' vitest JSON reports of every test run and the CI steps into one
// "N passed, N failed" line.
//   node .ci/summary.mjs collect DIR                 moves each package's .test-results.json into DIR
//   node .ci/summary.mjs report PASSED FAILED DIR... reads the reports of each run, one DIR a run
// A package with tests and no report, a report with no test, or a run that failed outside its tests
// counts as a failure.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';

const REPORT = '.test-results.json';
const packageDirs = [
  ...readdirSync('packages').map((name) => join('packages', name)),
  ...(existsSync('bench/tests') ? ['bench'] : []),
  ...(existsSync('examples') ? readdirSync('examples').map((name) => join('examples', name)) : []),
].filter((dir) => existsSync(join(dir, 'tests')));
const savedName = (dir) => `${dir.replaceAll('/', '__')}.json`;

const [mode, ...args] = process.argv.slice(2);
if (mode === 'collect') {
  const [target] = args;
  mkdirSync(target, { recursive: true });
  for (const dir of packageDirs) {
    if (existsSync(join(dir, REPORT))) renameSync(join(dir, REPORT), join(target, savedName(dir)));
  }
} else if (mode === 'report') {
  const [checksPassed, checksFailed, ...runs] = args;
  let passed = 0;
  let failed = 0;
  for (const run of runs) {
    for (const dir of packageDirs) {
      const file = join(run, savedName(dir));
      const label = `${basename(run)} ${dir}`;
      if (!existsSync(file)) {
        console.log(`${label}: no test report (the test run did not finish)`);
        failed += 1;
        continue;
      }
      const report = JSON.parse(readFileSync(file, 'utf8'));
      console.log(
        `${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
      );
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      if (report.numTotalTests === 0) failed += 1;
      // A test file that fails to load fails the run without failing a test.
      else if (report.success === false && report.numFailedTests === 0) {
        console.log(
          `${label}: the run failed outside any test (a file that did not load, an error between tests)`,
        );
        failed += 1;
      }
    }
  }
  console.log(`checks: ${checksPassed} passed, ${checksFailed} failed`);
  const totalPassed = passed + Number(checksPassed);
  const totalFailed = failed + Number(checksFailed);
  console.log(`${totalPassed} passed, ${totalFailed} failed`);
  process.exit(totalFailed > 0 || passed === 0 || runs.length === 0 ? 1 : 0);
} else {
  console.error('usage: node .ci/summary.mjs collect DIR | report PASSED FAILED DIR...');
  process.exit(2);
}

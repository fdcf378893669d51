import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/args.js';
import { formatHelp } from '../src/help.js';

describe('parseCliArgs', () => {
  it('accepts flags with or without the -- pnpm forwards', () => {
    expect(parseCliArgs(['deploy', '--dry-run'])).toEqual({ command: 'deploy', values: { 'dry-run': true } });
    expect(parseCliArgs(['deploy', '--', '--dry-run'])).toEqual({
      command: 'deploy',
      values: { 'dry-run': true },
    });
    expect(parseCliArgs(['--', 'destroy', '-y'])).toEqual({ command: 'destroy', values: { yes: true } });
  });

  it('reads string flags', () => {
    expect(parseCliArgs(['invoke', '--event', 'e.json', '--region=eu-west-1']).values).toEqual({
      event: 'e.json',
      region: 'eu-west-1',
    });
  });

  it('treats no command as a request for help', () => {
    expect(parseCliArgs([])).toEqual({ command: undefined, values: { help: true } });
    expect(parseCliArgs(['--help']).command).toBeUndefined();
  });

  it.each([
    [['ship'], "Unknown command 'ship': use deploy, invoke or destroy (see --help)"],
    [['deploy', '--yes'], 'Unknown option --yes for deploy: see `deploy --help`'],
    [['deploy', '--zip'], '--zip needs a value (or takes none): see `deploy --help`'],
    [['deploy', 'extra'], "Unexpected argument 'extra' for deploy: see `deploy --help`"],
  ])('rejects %o with one usage line', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(expect.objectContaining({ code: 'USAGE', message }));
  });
});

describe('formatHelp', () => {
  it('documents every flag of every command', () => {
    expect(formatHelp('deploy')).toContain('--invoke-permission MODE');
    expect(formatHelp('destroy')).toContain('-y, --yes');
    expect(formatHelp('invoke')).toContain('--event PATH');
    expect(formatHelp(undefined)).toContain('pnpm --filter deploy-scripts run deploy -- --dry-run');
  });
});

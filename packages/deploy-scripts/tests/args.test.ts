import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/args.js';
import { COMMAND_FLAGS, type CommandName, FLAGS, type FlagSpec, getCommandFlags } from '../src/flags.js';
import { formatHelp } from '../src/help.js';

const COMMANDS = Object.keys(COMMAND_FLAGS) as CommandName[];

function usageMessage(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toMatchObject({ code: 'USAGE' });
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseCliArgs', () => {
  it('accepts flags with or without the -- pnpm forwards', () => {
    expect(parseCliArgs(['deploy', '--dry-run'])).toEqual({ command: 'deploy', values: { 'dry-run': true } });
    expect(parseCliArgs(['deploy', '--', '--dry-run'])).toEqual({
      command: 'deploy',
      values: { 'dry-run': true },
    });
    expect(parseCliArgs(['--', 'destroy', '-y'])).toEqual({ command: 'destroy', values: { yes: true } });
  });

  it('reads string flags as --name value and --name=value', () => {
    expect(parseCliArgs(['invoke', '--event', 'e.json', '--region=eu-west-1']).values).toEqual({
      event: 'e.json',
      region: 'eu-west-1',
    });
    expect(parseCliArgs(['deploy', '--validation-expression=-x=y']).values).toEqual({
      'validation-expression': '-x=y',
    });
  });

  it('treats no command as a request for help', () => {
    expect(parseCliArgs([])).toEqual({ command: undefined, values: { help: true } });
    expect(parseCliArgs(['--help']).command).toBeUndefined();
  });

  it.each([
    [['ship'], "Unknown command 'ship': use deploy, invoke or destroy (see --help)"],
    [['deplyo'], "Unknown command 'deplyo': did you mean deploy? (see --help)"],
    [
      ['deploy', '--regoin', 'eu-west-1'],
      'Unknown option --regoin for deploy: did you mean --region? (see `deploy --help`)',
    ],
    [
      ['invoke', '--evnt=e.json'],
      'Unknown option --evnt for invoke: did you mean --event? (see `invoke --help`)',
    ],
    [['deploy', '--dry'], 'Unknown option --dry for deploy: did you mean --dry-run? (see `deploy --help`)'],
    [['deploy', '-v'], 'Unknown option -v for deploy (see `deploy --help`)'],
    [
      ['deploy', '-verbose'],
      'Unknown option -verbose for deploy: did you mean --verbose? (see `deploy --help`)',
    ],
    [
      ['deploy', '--dotenv', 'x.env'],
      'Unknown option --dotenv for deploy: did you mean --env-file? (see `deploy --help`)',
    ],
    [['deploy', '--yes'], 'Option --yes belongs to destroy, not deploy (see `deploy --help`)'],
    [['deploy', '--colour'], 'Unknown option --colour for deploy (see `deploy --help`)'],
    [
      ['deploy', '--dry-run=yes'],
      "--dry-run takes no value (got '--dry-run=yes'): write --dry-run alone (see `deploy --help`)",
    ],
    [
      ['destroy', '--yes=no'],
      "--yes takes no value (got '--yes=no'): write --yes alone (see `destroy --help`)",
    ],
    [['deploy', '--region'], '--region needs a value: --region REGION (see `deploy --help`)'],
    [['deploy', '--region', '--dry-run'], '--region needs a value: --region REGION (see `deploy --help`)'],
    [['deploy', '--region='], '--region needs a value: --region REGION (see `deploy --help`)'],
    [['deploy', '--zip'], '--zip needs a value: --zip PATH (see `deploy --help`)'],
    [['deploy', 'extra'], "Unexpected argument 'extra' for deploy (see `deploy --help`)"],
    [
      ['deploy', '--re\ngion'],
      'Unknown option --re\\u000agion for deploy: did you mean --region? (see `deploy --help`)',
    ],
  ])('rejects %o with one usage line', (argv, message) => {
    expect(usageMessage(argv)).toBe(message);
  });

  it('answers any unknown flag with exactly one line', () => {
    const hostile = fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\t', '%0a', '*', '?', 'é', '=', '-');
    const flag = fc
      .array(fc.oneof(hostile, fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 })
      .map((parts) => `--${parts.join('')}`)
      // A bare `--` is pnpm's separator, dropped on purpose.
      .filter((arg) => {
        if (arg === '--') return false;
        const name = arg.slice(2).split('=')[0] as string;
        return !Object.hasOwn(FLAGS, name);
      });
    fc.assert(
      fc.property(fc.constantFrom(...COMMANDS), flag, (command, arg) => {
        const message = usageMessage([command, arg]);
        expect(message).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
        expect(message).toMatch(/^(Unknown option|Option --\S+ belongs to)/);
      }),
    );
  });
});

describe('formatHelp', () => {
  it.each(COMMANDS)('lists every flag %s accepts, each of which the parser takes', (command) => {
    const help = formatHelp(command);
    for (const name of getCommandFlags(command)) {
      const spec: FlagSpec = FLAGS[name];
      expect(help).toContain(spec.value ? `--${name} ${spec.value}` : `--${name}`);
      if (spec.short) expect(help).toContain(`-${spec.short}, --${name}`);
    }
    // The other way round: every --flag the help mentions parses.
    const mentioned = new Set(
      [...help.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((match) => match[1] as string),
    );
    expect(mentioned.size).toBeGreaterThanOrEqual(getCommandFlags(command).length);
    for (const name of mentioned) {
      const spec: FlagSpec | undefined = (FLAGS as Record<string, FlagSpec>)[name];
      expect(spec, `--${name} in the help of ${command}`).toBeDefined();
      const argv = [command, spec?.value ? `--${name}=x` : `--${name}`];
      expect(() => parseCliArgs(argv), argv.join(' ')).not.toThrow();
    }
  });

  it('states the exit codes and the direct form that keeps them', () => {
    expect(formatHelp(undefined)).toContain('Exit codes: 0 success, 1 a failure in AWS');
    expect(formatHelp(undefined)).toContain('node packages/deploy-scripts/dist/cli.js');
    for (const command of COMMANDS) expect(formatHelp(command)).toContain('Exit codes:');
  });
});

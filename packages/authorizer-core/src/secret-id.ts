/** Where the introspection client secret is kept: a Secrets Manager secret or an SSM parameter. */
export type SecretLocation =
  | {
      readonly service: 'secretsmanager';
      /** The secret's name or ARN, as `GetSecretValue` takes it. */
      readonly secretId: string;
    }
  | {
      readonly service: 'ssm';
      /** The parameter's name, as `GetParameter` takes it (`/a/b` or `name`). */
      readonly name: string;
    };

// Secrets Manager names: 1 to 512 of these characters (the API's own rule).
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
// SSM names: these characters, at most 1011; a name with a slash must start with one.
const PARAMETER_NAME = /^(?:\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/;

/**
 * Reads `JWT_INTROSPECTION_CLIENT_SECRET_ID`: `ssm:` and a parameter name (`ssm:/authorizer/secret`)
 * for an SSM Parameter Store SecureString, anything else a Secrets Manager secret name or ARN.
 *
 * @returns The location, or `undefined` when the text is neither form.
 * @example
 * parseSecretId('ssm:/authorizer/secret'); // { service: 'ssm', name: '/authorizer/secret' }
 */
export function parseSecretId(text: string): SecretLocation | undefined {
  if (text.startsWith('ssm:')) {
    const name = text.slice('ssm:'.length);
    return name.length <= 1011 && PARAMETER_NAME.test(name) ? { service: 'ssm', name } : undefined;
  }
  if (text.startsWith('arn:'))
    return SECRET_ARN.test(text) ? { service: 'secretsmanager', secretId: text } : undefined;
  return SECRET_NAME.test(text) ? { service: 'secretsmanager', secretId: text } : undefined;
}

/** Port and protocol rules shared by the resources that carry ports. */
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { isValidPortNum, isValidPortName } from '../apimachinery/validation.js';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validatePortNumber(port: unknown, path: string): FieldError[] {
  if (typeof port !== 'number') return [fieldErr.required(path)];
  return isValidPortNum(port).map((msg) => fieldErr.invalid(path, port, msg));
}

export function validateProtocol(protocol: unknown, path: string, required = true): FieldError[] {
  if (protocol === undefined || protocol === '') return required ? [fieldErr.required(path)] : [];
  if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) return [fieldErr.notSupported(path, protocol, PROTOCOLS)];
  return [];
}

export function validatePortName(name: unknown, path: string): FieldError[] {
  if (typeof name !== 'string' || name === '') return [];
  return isValidPortName(name).map((msg) => fieldErr.invalid(path, name, msg));
}

/**
 * What every simulated service has in common: one call as the server hands it over, the AWS
 * error a service throws (encoded by the server in the caller's protocol), and the account the
 * simulation pretends to be.
 */
import { FAKE_ACCOUNT_ID } from "../terraform/real-provider/convert";

export const ACCOUNT_ID = FAKE_ACCOUNT_ID;

export interface ServiceCall {
  readonly operation: string;
  readonly params: Record<string, unknown>;
  readonly region: string;
  /** REST services (Lambda) route on these. */
  readonly method: string;
  readonly path: string;
}

/** An operation's output and, for REST services, its status (Lambda's 201 on create). */
export interface ServiceAnswer {
  readonly output: object;
  readonly statusCode?: number;
  /** Send only the first half of the encoded body: an answer cut off mid-way. */
  readonly cutOffBody?: boolean;
}

export interface SimulatedService {
  /** The SigV4 signing name the provider's requests carry (`autoscaling`, `monitoring`, ...). */
  readonly signingName: string;
  /** REST services only: the operation a method and path name. */
  route?(method: string, path: string): string;
  handle(call: ServiceCall): ServiceAnswer | object;
}

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/** Ids the way AWS spells them (`i-0a1b...`), unique within one simulation. */
export class IdSource {
  private next = 1;
  hex(prefix: string, digits = 17): string {
    return `${prefix}-${(this.next++).toString(16).padStart(digits, "0")}`;
  }
  suffix(): string {
    return (this.next++).toString().padStart(26, "0");
  }
}

/** A query-protocol list parameter: present or not, always an array. */
export function list<T = unknown>(value: unknown): T[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

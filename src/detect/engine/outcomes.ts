/** Outcome groups the detectors share. */
import type { SignInOutcome } from '../../schema/events.ts';
import { SIGN_IN_OUTCOMES } from '../../schema/events.ts';
import { Type } from 'typebox';

export const OutcomeList = (defaults: readonly SignInOutcome[]) =>
  Type.Array(Type.Enum(SIGN_IN_OUTCOMES), { default: [...defaults], uniqueItems: true });

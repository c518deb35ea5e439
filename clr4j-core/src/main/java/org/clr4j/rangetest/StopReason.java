package org.clr4j.rangetest;

/** Why a range test ended. */
public enum StopReason {
  /** All configured steps ran. */
  COMPLETED,
  /** The smoothed loss exceeded {@code divergenceFactor ×} its best value. */
  DIVERGED,
  /** A training step returned NaN or an infinite loss. */
  NON_FINITE_LOSS
}

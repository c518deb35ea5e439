package org.clr4j.schedule;

/** The three cyclical policies of Smith (2017), with PyTorch {@code CyclicLR}'s semantics. */
public enum CyclicPolicy {
  /** Constant amplitude: scale 1 in every cycle. */
  TRIANGULAR("triangular"),
  /** Amplitude halves each cycle: scale {@code 1 / 2^(cycle-1)}. */
  TRIANGULAR2("triangular2"),
  /** Amplitude shrinks by {@code gamma^step}, applied per iteration. */
  EXP_RANGE("exp_range");

  private final String specName;

  CyclicPolicy(String specName) {
    this.specName = specName;
  }

  /** The name used in text specs, e.g. {@code exp_range}. */
  public String specName() {
    return specName;
  }

  /** The policy with this spec name. */
  public static CyclicPolicy fromSpecName(String name) {
    for (CyclicPolicy p : values()) {
      if (p.specName.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "policy (" + name + ") must be one of triangular, triangular2, exp_range");
  }
}

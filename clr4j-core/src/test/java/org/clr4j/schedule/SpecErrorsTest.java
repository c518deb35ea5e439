package org.clr4j.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every malformed spec fails with one line quoting the spec, the column and the offending text. */
class SpecErrorsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      foo(x=1)                                          | 1  | unknown schedule 'foo'
      triangular(bse=0.1, max=1, up=10)                 | 12 | unknown key 'bse' for triangular; its keys are base, max, up, down, momentum, decay
      triangular(base=0.1, base=0.2, max=1, up=10)      | 22 | duplicate key 'base'
      triangular(base=0.1, max=1)                       | 1  | triangular is missing required key 'up'
      triangular(base=0.1, max=x1, up=10)               | 26 | max=x1: 'x1' is not a number
      triangular(base=0.1, max=1, up=2.5)               | 32 | up=2.5: '2.5' is not a whole number of steps
      triangular(base=0.1, max=1, up=0)                 | 32 | up=0: stepSizeUp (0) must be >= 1
      triangular(base=-0.1, max=1, up=10)               | 17 | base=-0.1: baseLr (-0.1) must be finite and > 0
      triangular(base=NaN, max=1, up=10)                | 17 | base=NaN: 'NaN' is not a number
      triangular(base=0.2, max=0.1, up=10)              | 1  | triangular: baseLr (0.2) must be <= maxLr (0.1)
      triangular(base=0.1, max=1, up=10, momentum=0.9)  | 45 | momentum=0.9: '0.9' is not a LOW:HIGH pair such as 0.85:0.95
      triangular(base=0.1, max=1, up=10, momentum=0.95:0.85) | 45 | momentum=0.95:0.85: baseMomentum (0.95) must be <= maxMomentum (0.85)
      triangular(base=0.1, max=1, up=10, momentum=0.8:1) | 45 | momentum=0.8:1: maxMomentum (1) must be in [0, 1)
      triangular(base=0.1, max=1, up=10, decay=1.5)     | 42 | decay=1.5: decay (1.5) must be in (0, 1]
      triangular(base=0.1, max=1, up=10, gamma=0.9)     | 36 | unknown key 'gamma' for triangular
      exp_range(base=0.1, max=1, up=10)                 | 1  | exp_range is missing required key 'gamma'
      exp_range(base=0.1, max=1, up=10, gamma=0)        | 41 | gamma=0: gamma (0) must be in (0, 1]
      onecycle(max=0.1)                                 | 1  | onecycle is missing required key 'total'
      onecycle(max=0.1, total=1000, pct=1)              | 35 | pct=1: pctStart (1) must be in (0, 1)
      onecycle(max=0.1, total=3)                        | 1  | must be > 1, or the warm-up phase is empty
      onecycle(max=0.1, total=10, pct=0.55, phases=3)   | 1  | leaves the annealing phase of a 3-phase cycle of 10 steps empty
      onecycle(max=0.1, total=1000, phases=4)           | 38 | phases=4: phases (4) must be 2 or 3
      onecycle(max=0.1, total=1000, anneal=cosine)      | 38 | anneal=cosine: anneal (cosine) must be cos or linear
      triangular(base=0.1, max=1, up=10                 | 34 | expected ',' or ')' after up=10 but found the end of the spec
      triangular base=0.1                               | 12 | expected '(' after 'triangular' but found 'b'
      triangular(base=0.1, max=1, up=10) extra          | 36 | unexpected text 'extra' after the closing parenthesis
      triangular(base=, max=1, up=10)                   | 17 | missing value for 'base'
      warmup(steps=10, then=0.1)                        | 23 | then=0.1: expected a schedule such as constant(lr=0.01)
      warmup(steps=10, then=constant(lr=-1))            | 35 | lr=-1: lr (-1) must be finite and > 0
      sequence(first=constant(lr=0.1), at=0, then=constant(lr=0.01)) | 37 | at=0: at (0) must be >= 1
      cosine(lr=0.1, total=100, min=0.2)                | 31 | min=0.2: min (0.2) must be <= lr (0.1)
      step(lr=0.1, every=10, gamma=2)                   | 30 | gamma=2: gamma (2) must be in (0, 1]
      """)
  void malformedSpecsNameTheProblemAndWhereItIs(String spec, int column, String problem) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(spec));
    String message = e.getMessage();
    assertTrue(message.startsWith("invalid schedule spec \"" + spec + "\" at column " + column + ": "), message);
    assertTrue(message.contains(problem), message);
    assertEquals(-1, message.indexOf('\n'), "one line: " + message);
  }

  @Test
  void emptyAndNullSpecsSayWhatIsExpected() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.parse("  ")).getMessage()
        .contains("schedule spec is empty; expected e.g."));
    assertEquals("schedule spec must not be null",
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse(null)).getMessage());
  }

  @Test
  void whitespaceAndKeyOrderDoNotMatter() {
    assertEquals(Schedule.parse("triangular(base=0.001,max=0.006,up=2000)"),
        Schedule.parse("  triangular ( up = 2000 , max=6e-3,\tbase=1e-3 )  "));
  }

  @Test
  void canonicalFormsAreReadable() {
    assertEquals("triangular(base=0.001, max=0.006, up=2000)",
        Schedule.parse("triangular(base=1e-3, max=6e-3, up=2e3)").toString());
    assertEquals("exp_range(base=0.001, max=0.006, up=10, down=30, gamma=0.99994, momentum=0.8:0.9, decay=0.9999)",
        Schedule.parse("exp_range(decay=0.9999, momentum=0.8:0.9, gamma=0.99994, down=30, up=10, max=0.006, base=0.001)")
            .toString());
    assertEquals("onecycle(max=0.1, total=1000, pct=0.3, div=25, final_div=10000, anneal=cos, phases=2, "
        + "momentum=0.85:0.95)", Schedule.parse("onecycle(max=0.1, total=1000)").toString());
    assertEquals("onecycle(max=1e-4, total=50, pct=0.3, div=25, final_div=10000, anneal=linear, phases=3, "
        + "momentum=none)", Schedule.parse("onecycle(max=0.0001, total=50, anneal=linear, phases=3, momentum=none)")
            .toString());
    assertEquals("sequence(first=warmup(steps=100, start=0, then=constant(lr=0.1)), at=1000, "
        + "then=cosine(lr=0.1, total=5000, min=0))",
        Schedule.parse("sequence(first=warmup(steps=100, then=constant(lr=0.1)), at=1000, "
            + "then=cosine(lr=0.1, total=5000))").toString());
  }

  @Test
  void builderErrorsNameTheParameterValueAndRule() {
    assertEquals("maxLr (-0.1) must be finite and > 0",
        assertThrows(IllegalArgumentException.class, () -> Schedules.oneCycle().maxLr(-0.1)).getMessage());
    assertEquals("maxLr (NaN) must be finite and > 0",
        assertThrows(IllegalArgumentException.class, () -> Schedules.oneCycle().maxLr(Double.NaN)).getMessage());
    assertEquals("maxLr (Infinity) must be finite and > 0", assertThrows(IllegalArgumentException.class,
        () -> Schedules.cyclic(CyclicPolicy.TRIANGULAR).maxLr(Double.POSITIVE_INFINITY)).getMessage());
    assertEquals("gamma applies to exp_range only, not to triangular2", assertThrows(IllegalArgumentException.class,
        () -> Schedules.cyclic(CyclicPolicy.TRIANGULAR2).gamma(0.9)).getMessage());
    assertEquals("stepSizeUp is required", assertThrows(IllegalArgumentException.class,
        () -> Schedules.cyclic(CyclicPolicy.TRIANGULAR).baseLr(0.1).maxLr(1).build()).getMessage());
    assertEquals("step (-1) must be >= 0",
        assertThrows(IllegalArgumentException.class, () -> Schedules.constant(0.1).valueAt(-1)).getMessage());
  }

  @Test
  void customScaleFunctionsFollowPyTorchsScaleModes() {
    // PyTorch: lr = base + (max - base) * scale_factor * scale_fn(cycle or step).
    Schedule byCycle = Schedules.cyclic(x -> 1 / x, ScaleMode.CYCLE).baseLr(1).maxLr(3).stepSizeUp(2).build();
    assertEquals(3.0, byCycle.valueAt(2), 1e-15); // cycle 1, peak
    assertEquals(2.0, byCycle.valueAt(6), 1e-15); // cycle 2, peak: amplitude halved
    Schedule byStep = Schedules.cyclic(x -> 0.5, ScaleMode.ITERATIONS).baseLr(1).maxLr(3).stepSizeUp(2).build();
    assertEquals(2.0, byStep.valueAt(2), 1e-15);
    assertTrue(byCycle.toString().startsWith("custom_cyclic(base=1, max=3, up=2, scale="));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.parse(byCycle.toString())).getMessage()
        .contains("unknown schedule 'custom_cyclic'"));
  }

  @Test
  void aSpecNestedThousandsOfLevelsDeepIsOneLineNotAStackOverflow() {
    // Issue 11, item 4: 3,000 levels overflowed the stack.
    String spec = "warmup(steps=1, then=".repeat(3000) + "constant(lr=0.1)" + ")".repeat(3000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(spec));
    assertTrue(e.getMessage().contains("nest more than " + SpecParser.MAX_DEPTH + " levels deep"), e.getMessage());
    assertTrue(e.getMessage().length() < 400, "the spec is not quoted whole: " + e.getMessage().length());
    // The limit leaves room for every realistic spec.
    String deep = "warmup(steps=1, then=".repeat(SpecParser.MAX_DEPTH) + "constant(lr=0.1)"
        + ")".repeat(SpecParser.MAX_DEPTH);
    assertEquals(0.1, Schedule.parse(deep).valueAt(1000), 0);
  }
}

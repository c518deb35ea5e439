package org.clr4j.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightDecaySearchTest {

  @Test
  void theBestMeanOverSeedsWinsByEitherCriterion() {
    // Seed 1 alone would pick 1e-4 by accuracy; the mean over both seeds picks 5e-4. The losses pick 0.
    Map<Long, Map<Double, Double>> acc = Map.of(
        1L, Map.of(0.0, 0.870, 1e-4, 0.880, 5e-4, 0.878, 1e-3, 0.860),
        2L, Map.of(0.0, 0.871, 1e-4, 0.872, 5e-4, 0.879, 1e-3, 0.861));
    Map<Double, Double> loss = Map.of(0.0, 0.30, 1e-4, 0.31, 5e-4, 0.32, 1e-3, 0.33);
    List<String> calls = new ArrayList<>();
    WeightDecaySearch.Trial trial = (wd, seed) -> {
      calls.add(wd + "@" + seed);
      return new WeightDecaySearch.Outcome(loss.get(wd) + seed * 0.01, acc.get(seed).get(wd));
    };
    WeightDecayChoice byAccuracy = WeightDecaySearch.builder().optSeeds(2)
        .optCriterion(WeightDecayCriterion.HELD_OUT_ACCURACY).build()
        .run(trial, 1, (t, done, total) -> assertEquals(8, total));
    assertEquals(5e-4, byAccuracy.weightDecay());
    assertEquals(List.of("0.0@1", "1.0E-4@1", "5.0E-4@1", "0.001@1", "0.0@2", "1.0E-4@2", "5.0E-4@2", "0.001@2"),
        calls, "seed-major: every candidate once per seed");
    assertEquals(8, byAccuracy.trials().size());
    assertEquals((0.878 + 0.879) / 2, byAccuracy.meanAccuracy(5e-4), 1e-15);
    assertEquals(0.335, byAccuracy.meanLoss(5e-4), 1e-15);
    assertEquals("highest mean held-out accuracy of short runs (2 per value): 0: 87.05 %, 1e-4: 87.60 %, "
        + "5e-4: 87.85 %, 0.001: 86.05 %", byAccuracy.reason());
    WeightDecayChoice byLoss = WeightDecaySearch.choose(byAccuracy.trials(), WeightDecayCriterion.HELD_OUT_LOSS);
    assertEquals(0.0, byLoss.weightDecay());
    assertEquals("lowest mean held-out loss of short runs (2 per value): 0: 0.3150, 1e-4: 0.3250, 5e-4: 0.3350, "
        + "0.001: 0.3450", byLoss.reason());
    assertEquals(WeightDecayCriterion.HELD_OUT_LOSS, WeightDecaySearch.defaults().criterion());
  }

  @Test
  void aDivergedRunDisqualifiesItsCandidateAndTiesGoToTheSmallerValue() {
    List<WeightDecayTrial> trials = List.of(
        new WeightDecayTrial(0, 1, 0.5, 0.5, 1), new WeightDecayTrial(1e-4, 1, 0.1, 0.9, 1),
        new WeightDecayTrial(1e-4, 2, Double.POSITIVE_INFINITY, 0.9, 1), new WeightDecayTrial(0, 2, 0.5, 0.5, 1),
        new WeightDecayTrial(1e-3, 1, 0.5, 0.5, 1), new WeightDecayTrial(1e-3, 2, 0.5, 0.5, 1));
    for (WeightDecayCriterion criterion : WeightDecayCriterion.values()) {
      WeightDecayChoice c = WeightDecaySearch.choose(trials, criterion);
      assertEquals(0.0, c.weightDecay(), "1e-4 diverged once; 0 and 1e-3 tie, the smaller wins");
      assertTrue(c.reason().contains("1e-4: diverged"), c.reason());
      assertEquals(6.0, c.seconds());
    }
    assertTrue(new WeightDecayTrial(0, 1, Double.NaN, 0.5, 0).diverged());
    assertTrue(new WeightDecayTrial(0, 1, 0.5, Double.NaN, 0).diverged());
    WeightDecayChoice c = WeightDecaySearch.choose(trials, WeightDecayCriterion.HELD_OUT_LOSS);
    assertTrue(Double.isNaN(c.meanAccuracy(1e-4)));
    assertTrue(Double.isNaN(c.meanLoss(0.3)), "never tried");
  }

  @Test
  void badInputIsRefusedNamingTheValueAndTheRule() {
    assertEquals("candidates ([0.001]) must hold at least two weight decays to choose between",
        assertThrows(IllegalArgumentException.class,
            () -> WeightDecaySearch.builder().optCandidates(List.of(1e-3))).getMessage());
    assertEquals("candidates[1] (-1e-4) must be finite and >= 0", assertThrows(IllegalArgumentException.class,
        () -> WeightDecaySearch.builder().optCandidates(List.of(0.0, -1e-4))).getMessage());
    assertEquals("candidates[1] (NaN) must be finite and >= 0", assertThrows(IllegalArgumentException.class,
        () -> WeightDecaySearch.builder().optCandidates(List.of(0.0, Double.NaN))).getMessage());
    assertEquals("candidates ([0.0, -0.0]) must not repeat a value", assertThrows(IllegalArgumentException.class,
        () -> WeightDecaySearch.builder().optCandidates(List.of(0.0, -0.0))).getMessage());
    assertEquals("seeds (0) must be >= 1",
        assertThrows(IllegalArgumentException.class, () -> WeightDecaySearch.builder().optSeeds(0)).getMessage());
    assertEquals("criterion must not be null",
        assertThrows(IllegalArgumentException.class, () -> WeightDecaySearch.builder().optCriterion(null))
            .getMessage());
    assertEquals("trials (none) must hold at least one run", assertThrows(IllegalArgumentException.class,
        () -> WeightDecaySearch.choose(List.of(), WeightDecayCriterion.HELD_OUT_LOSS)).getMessage());
    WeightDecaySearch.AllDiverged all = assertThrows(WeightDecaySearch.AllDiverged.class,
        () -> WeightDecaySearch.choose(
        List.of(new WeightDecayTrial(0, 1, Double.NaN, Double.NaN, 0),
            new WeightDecayTrial(1e-4, 1, Double.NaN, Double.NaN, 0)), WeightDecayCriterion.HELD_OUT_LOSS));
    assertEquals("every weight decay tried (0: diverged, 1e-4: diverged) diverged in 2 runs: no choice",
        all.getMessage());
    assertEquals("accuracy (1.5) must be in [0, 1], or NaN for a run that diverged",
        assertThrows(IllegalArgumentException.class, () -> new WeightDecayTrial(0, 1, 0.1, 1.5, 0)).getMessage());
    assertEquals("loss (-0.1) must be >= 0, or NaN for a run that diverged",
        assertThrows(IllegalArgumentException.class, () -> new WeightDecayTrial(0, 1, -0.1, 0.5, 0)).getMessage());
    assertEquals("weightDecay (-1) must be finite and >= 0",
        assertThrows(IllegalArgumentException.class, () -> new WeightDecayTrial(-1, 1, 0.1, 0.5, 0)).getMessage());
  }
}

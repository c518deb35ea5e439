package org.clr4j.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class WeightDecaySearchPropertiesTest {

  /**
   * The choice has the highest mean among candidates that never diverged, no candidate with a higher mean, and no
   * smaller candidate with an equal one; it does not depend on the order the trials come in.
   */
  @Property
  void theChoiceIsTheSmallestCandidateWithTheHighestMeanWithoutDivergence(
      @ForAll @Size(min = 2, max = 6) List<@DoubleRange(min = 0, max = 1) Double> accuracies,
      @ForAll @IntRange(min = 1, max = 3) int seeds, @ForAll @IntRange(min = -1, max = 5) int diverged,
      @ForAll @IntRange(min = 0, max = 3) int coarse) {
    List<WeightDecayTrial> trials = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      for (int c = 0; c < accuracies.size(); c++) {
        // Coarse accuracies make ties likely; a diverged candidate is NaN in its last seed.
        double a = coarse > 0 ? Math.round(accuracies.get(c) * coarse) / (double) coarse : accuracies.get(c);
        trials.add(new WeightDecayTrial(c * 1e-4, s, c == diverged && s == seeds - 1 ? Double.NaN : a, 0));
      }
    }
    if (diverged >= 0 && diverged < accuracies.size() && accuracies.size() == 1) {
      return;
    }
    WeightDecayChoice choice = WeightDecaySearch.choose(trials);
    List<WeightDecayTrial> reversed = new ArrayList<>(trials);
    java.util.Collections.reverse(reversed);
    assertEquals(choice.weightDecay(), WeightDecaySearch.choose(reversed).weightDecay());
    double best = choice.meanAccuracy(choice.weightDecay());
    assertTrue(!Double.isNaN(best));
    for (int c = 0; c < accuracies.size(); c++) {
      double wd = c * 1e-4;
      double mean = choice.meanAccuracy(wd);
      if (Double.isNaN(mean)) {
        assertEquals(diverged, c);
        continue;
      }
      assertTrue(mean <= best, "a candidate with a higher mean was passed over");
      if (wd < choice.weightDecay()) {
        assertTrue(mean < best, "a smaller candidate with an equal mean was passed over");
      }
    }
  }
}

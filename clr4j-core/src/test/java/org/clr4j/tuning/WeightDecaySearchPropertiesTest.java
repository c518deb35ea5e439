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
   * By either criterion, the choice has the best mean among candidates that never diverged: no candidate has a better
   * mean, and no smaller candidate an equal one; it does not depend on the order the trials come in.
   */
  @Property
  void theChoiceIsTheSmallestCandidateWithTheHighestMeanWithoutDivergence(
      @ForAll @Size(min = 2, max = 6) List<@DoubleRange(min = 0, max = 1) Double> accuracies,
      @ForAll @IntRange(min = 1, max = 3) int seeds, @ForAll @IntRange(min = -1, max = 5) int diverged,
      @ForAll @IntRange(min = 0, max = 3) int coarse, @ForAll WeightDecayCriterion criterion) {
    List<WeightDecayTrial> trials = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      for (int c = 0; c < accuracies.size(); c++) {
        // Coarse accuracies make ties likely; a diverged candidate is NaN in its last seed.
        double a = coarse > 0 ? Math.round(accuracies.get(c) * coarse) / (double) coarse : accuracies.get(c);
        boolean nan = c == diverged && s == seeds - 1;
        trials.add(new WeightDecayTrial(c * 1e-4, s, nan ? Double.NaN : 1 - a, nan ? Double.NaN : a, 0));
      }
    }
    WeightDecayChoice choice = WeightDecaySearch.choose(trials, criterion);
    List<WeightDecayTrial> reversed = new ArrayList<>(trials);
    java.util.Collections.reverse(reversed);
    assertEquals(choice.weightDecay(), WeightDecaySearch.choose(reversed, criterion).weightDecay());
    double best = choice.meanAccuracy(choice.weightDecay());
    // Loss = 1 - accuracy here, so the better mean is the higher accuracy by either criterion.
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

package org.clr4j.rangetest;

import java.util.List;
import org.clr4j.Checks;

/**
 * Bounds suggested by one method, with the reason in one line and the steps it used, so a plot can mark them.
 *
 * @param method      the method that made the suggestion
 * @param bounds      the suggested bounds, always inside the tested learning-rate range
 * @param reason      one line with the numbers behind the choice
 * @param markedSteps indices into {@link RangeTestResult#points()} of the points the method decided on
 */
public record Suggestion(SuggestionMethod method, Bounds bounds, String reason, List<Integer> markedSteps) {

  public Suggestion {
    Checks.notNull("method", method);
    Checks.notNull("bounds", bounds);
    Checks.notNull("reason", reason);
    markedSteps = List.copyOf(Checks.notNull("markedSteps", markedSteps));
  }

  public double lower() {
    return bounds.lower();
  }

  public double upper() {
    return bounds.upper();
  }

  @Override
  public String toString() {
    return method.cliName() + ": " + bounds + " (" + reason + ")";
  }
}

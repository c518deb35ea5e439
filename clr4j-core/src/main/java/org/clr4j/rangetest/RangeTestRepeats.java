package org.clr4j.rangetest;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.clr4j.Checks;

/**
 * A range test repeated from the same starting model with different data orders, and for every method the median of
 * the repeats' bounds with their spread. One range test's upper bound can move by a factor of several with the data
 * order alone (a blow-up one seed meets at a lower rate than another); the median of a few repeats moves far less,
 * and the spread says how far the single answer could have been off (docs/RANGE_TEST.md, "Repeats").
 *
 * <p>A pure function of the repeats' results: a method's bounds are the medians ({@link Spread}) over the repeats
 * that could decide; a repeat that could not is reported in {@link RepeatedSuggestion#failures()} and left out; a
 * method no repeat could decide is in {@link #failures()}. Immutable.
 *
 * <pre>{@code
 * RangeTestRepeats r = test.runRepeats(3, repeat -> probeWithDataOrder(repeat));
 * RepeatedSuggestion s = r.suggestion();           // the default method
 * s.bounds();                                      // the medians
 * s.upperSpread().ratio();                         // max/min of the repeats' upper bounds
 * }</pre>
 */
public final class RangeTestRepeats {
  private final List<RangeTestResult> repeats;
  private final Map<SuggestionMethod, RepeatedSuggestion> suggestions;
  private final Map<SuggestionMethod, String> failures;

  private RangeTestRepeats(List<RangeTestResult> repeats) {
    this.repeats = List.copyOf(repeats);
    Map<SuggestionMethod, RepeatedSuggestion> ok = new EnumMap<>(SuggestionMethod.class);
    Map<SuggestionMethod, String> failed = new EnumMap<>(SuggestionMethod.class);
    int n = this.repeats.size();
    for (SuggestionMethod method : SuggestionMethod.values()) {
      SortedMap<Integer, Suggestion> decided = new TreeMap<>();
      SortedMap<Integer, String> why = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        RangeTestResult r = this.repeats.get(i);
        Suggestion s = r.suggestions().get(method);
        if (s != null) {
          decided.put(i, s);
        } else {
          why.put(i, r.failures().get(method));
        }
      }
      if (decided.isEmpty()) {
        failed.put(method, n == 1 ? why.get(0) : "none of the " + n + " repeats could decide; repeat 1: "
            + why.get(0));
      } else {
        ok.put(method, new RepeatedSuggestion(method, n, decided, why));
      }
    }
    this.suggestions = Collections.unmodifiableMap(ok);
    this.failures = Collections.unmodifiableMap(failed);
  }

  /**
   * The summary of {@code repeats}: at least one result, none null, all of the same sweep (the caller's to ensure:
   * medians of bounds from different rate ranges mean little).
   */
  public static RangeTestRepeats of(List<RangeTestResult> repeats) {
    Checks.notNull("repeats", repeats);
    Checks.atLeast("repeats.size()", repeats.size(), 1);
    for (int i = 0; i < repeats.size(); i++) {
      Checks.notNull("repeats[" + i + "]", repeats.get(i));
    }
    return new RangeTestRepeats(repeats);
  }

  /** The repeats' results in the order they ran. */
  public List<RangeTestResult> repeats() {
    return repeats;
  }

  /** How many repeats ran. */
  public int count() {
    return repeats.size();
  }

  /** The methods at least one repeat could decide, with their medians and spreads. */
  public Map<SuggestionMethod, RepeatedSuggestion> suggestions() {
    return suggestions;
  }

  /**
   * The methods no repeat could decide, with why: the reason itself for a single repeat, else {@code none of the 3
   * repeats could decide; repeat 1: <its reason>} (every repeat's own reason is in its result's failures).
   */
  public Map<SuggestionMethod, String> failures() {
    return failures;
  }

  /** The repeated suggestion of {@code method}; throws IllegalStateException with the reason if no repeat decided. */
  public RepeatedSuggestion suggestion(SuggestionMethod method) {
    RepeatedSuggestion s = suggestions.get(Checks.notNull("method", method));
    if (s == null) {
      throw new IllegalStateException("the " + method.cliName() + " method cannot suggest bounds: "
          + failures.get(method));
    }
    return s;
  }

  /**
   * The repeated suggestion of {@link SuggestionMethod#DEFAULT}, or when it cannot decide, that of the first method of
   * {@link SuggestionMethod#FALLBACK} that can (its {@code method()} says which); throws IllegalStateException with
   * the default's reason when none can. {@link #suggestion(SuggestionMethod)} asks one method only.
   */
  public RepeatedSuggestion suggestion() {
    return suggestion(SuggestionMethod.answering(suggestions.keySet(), failures));
  }

  /**
   * Every repeat's points as CSV, one row per step per repeat, repeats in order: the columns of
   * {@link RangeTestResult#toCsv()} after a first column {@code repeat} that counts from 1.
   */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("repeat,");
    for (int i = 0; i < repeats.size(); i++) {
      String csv = repeats.get(i).toCsv();
      int eol = csv.indexOf('\n');
      if (i == 0) {
        sb.append(csv, 0, eol + 1);
      }
      String prefix = (i + 1) + ",";
      int start = eol + 1;
      while (start < csv.length()) {
        int end = csv.indexOf('\n', start);
        sb.append(prefix).append(csv, start, end + 1);
        start = end + 1;
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "RangeTestRepeats(" + repeats.size() + " repeats, " + suggestions.values() + ")";
  }
}

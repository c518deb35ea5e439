package org.clr4j.rangetest;

/** One rule from a range-test curve to bounds. Throws {@link CannotSuggest} when the curve does not decide it. */
interface Suggester {
  Suggestion suggest(Analysis analysis);
}

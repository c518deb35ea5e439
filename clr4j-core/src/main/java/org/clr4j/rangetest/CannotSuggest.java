package org.clr4j.rangetest;

/** A method cannot decide on this curve; the message says why in terms a user can act on. */
final class CannotSuggest extends IllegalStateException {
  CannotSuggest(String message) {
    super(message);
  }
}

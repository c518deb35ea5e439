package org.clr4j.rangetest;

/**
 * The result of evaluating the model on held-out batches during a range test.
 *
 * @param loss     the mean held-out loss; NaN if unknown
 * @param accuracy the held-out accuracy in {@code [0, 1]}; NaN if the task has none
 */
public record Evaluation(double loss, double accuracy) {}

package org.clr4j.dl4j;

import org.clr4j.Checks;

/**
 * How many schedule steps a DL4J network takes when trained on Spark with parameter averaging
 * ({@code ParameterAveragingTrainingMaster}), so that a 1cycle schedule ends exactly when training does.
 *
 * <p>Each {@code fit} splits the data into rounds of {@code workers × averagingFrequency} minibatches of
 * {@code batchSizePerWorker} examples. In a round, every worker starts from the master's iteration count and takes
 * {@code averagingFrequency} steps, so all workers apply the same rates at the same time; after the round the master
 * averages the parameters and advances its iteration count by {@code averagingFrequency}, also when the last round
 * had fewer minibatches than that. Hence, per epoch (one {@code fit} over the data):
 *
 * <pre>
 *   minibatches = ceil(examples / batchSizePerWorker)
 *   rounds      = ceil(minibatches / (workers × averagingFrequency))
 *   steps       = rounds × averagingFrequency
 * </pre>
 *
 * and the schedule's total is {@code epochs × steps}. Adding workers divides the steps per epoch; it does not
 * raise the rate per example. (This is what the recorded worker rates in clr4j-dl4j-spark's test show; see
 * docs/DL4J.md.) The minibatch count assumes the RDD is exported in one piece per {@code batchSizePerWorker}
 * examples; where the data's partitions leave partial minibatches, pass the exported minibatch count to
 * {@link #perEpochFromMinibatches}.
 */
public final class SparkSteps {
  private SparkSteps() {}

  /** Schedule steps in one epoch of {@code examples} examples. */
  public static long perEpoch(long examples, int workers, int batchSizePerWorker, int averagingFrequency) {
    Checks.atLeast("examples", examples, 1);
    Checks.atLeast("batchSizePerWorker", batchSizePerWorker, 1);
    long minibatches = ceilDiv(examples, batchSizePerWorker);
    return perEpochFromMinibatches(minibatches, workers, averagingFrequency);
  }

  /** Schedule steps in one epoch of {@code minibatches} minibatches (DataSet objects of the exported RDD). */
  public static long perEpochFromMinibatches(long minibatches, int workers, int averagingFrequency) {
    Checks.atLeast("minibatches", minibatches, 1);
    Checks.atLeast("workers", workers, 1);
    Checks.atLeast("averagingFrequency", averagingFrequency, 1);
    long perRound = Math.multiplyExact((long) workers, averagingFrequency);
    return Math.multiplyExact(ceilDiv(minibatches, perRound), averagingFrequency);
  }

  /** The schedule's total steps for {@code epochs} epochs: what {@code onecycle(total=…)} needs. */
  public static long total(int epochs, long examples, int workers, int batchSizePerWorker, int averagingFrequency) {
    Checks.atLeast("epochs", epochs, 1);
    return Math.multiplyExact(epochs, perEpoch(examples, workers, batchSizePerWorker, averagingFrequency));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}

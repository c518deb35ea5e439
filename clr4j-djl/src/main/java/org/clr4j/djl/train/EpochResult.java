package org.clr4j.djl.train;

/**
 * One epoch's outcome: held-out loss and accuracy, the mean training loss, and the wall-clock seconds spent
 * training (evaluation and checkpoints excluded) since the run began.
 */
public record EpochResult(int epoch, long steps, double trainLoss, double testLoss, double testAccuracy,
    double trainSeconds, double samplesPerSecond) {}

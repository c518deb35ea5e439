package org.clr4j.rangetest;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/** A probe whose loss and accuracy are known functions of log10(lr), with optional seeded Gaussian noise. */
final class CurveProbe implements Probe {
  private final DoubleUnaryOperator loss;
  private final DoubleUnaryOperator accuracy;
  private final double lossNoise;
  private final double accuracyNoise;
  private final Random random;
  private double lastLr = Double.NaN;
  int steps;
  int begins;
  int closes;

  CurveProbe(DoubleUnaryOperator lossOfLogLr, DoubleUnaryOperator accuracyOfLogLr, double lossNoise,
      double accuracyNoise, long seed) {
    this.loss = lossOfLogLr;
    this.accuracy = accuracyOfLogLr;
    this.lossNoise = lossNoise;
    this.accuracyNoise = accuracyNoise;
    this.random = new Random(seed);
  }

  static CurveProbe of(DoubleUnaryOperator lossOfLogLr) {
    return new CurveProbe(lossOfLogLr, null, 0, 0, 1);
  }

  @Override
  public void begin() {
    begins++;
  }

  @Override
  public double trainStep(double lr) {
    lastLr = lr;
    steps++;
    return loss.applyAsDouble(Math.log10(lr)) + lossNoise * random.nextGaussian();
  }

  @Override
  public boolean supportsEvaluation() {
    return accuracy != null;
  }

  @Override
  public Evaluation evaluate() {
    double x = Math.log10(lastLr);
    return new Evaluation(1 - accuracy.applyAsDouble(x), accuracy.applyAsDouble(x)
        + accuracyNoise * random.nextGaussian());
  }

  @Override
  public void close() {
    closes++;
  }
}

package org.clr4j.schedule;

/**
 * Scales a cyclic schedule's amplitude, as PyTorch's {@code scale_fn}: evaluated at the 1-based cycle number or at
 * the step, as its {@link ScaleMode} says. Must be pure; values are normally in {@code [0, 1]}.
 */
@FunctionalInterface
public interface ScaleFunction {
  double scale(double x);
}

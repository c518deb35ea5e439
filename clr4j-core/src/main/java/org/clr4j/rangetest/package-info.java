/**
 * The learning-rate range test (Smith 2017, §3.3), independent of any training engine: sweep the learning rate
 * through a {@link org.clr4j.rangetest.Probe}, record the loss curve and suggest bounds for a cyclic or 1cycle
 * schedule. See docs/RANGE_TEST.md.
 */
package org.clr4j.rangetest;

/**
 * The rest of Smith's recipe around the learning rate (arXiv 1803.09820): hyper-parameters chosen by short runs
 * rather than long grids, independent of any training engine. See docs/RANGE_TEST.md, "Automatic weight decay".
 */
package org.clr4j.tuning;

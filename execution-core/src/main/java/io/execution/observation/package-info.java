/**
 * Micrometer observations of calls (caller's side) and served invocations (serving side): their
 * contexts and replaceable conventions.
 */
package io.execution.observation;

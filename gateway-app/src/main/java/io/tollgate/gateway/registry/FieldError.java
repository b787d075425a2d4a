package io.tollgate.gateway.registry;

/**
 * One reason a document is refused, naming the field ({@code upstream},
 * {@code auth.mode}, {@code limits[1]}, or the unknown field's name).
 *
 * @param field the JSON path of the offending field
 * @param detail what is wrong with it
 */
public record FieldError(String field, String detail) {
}

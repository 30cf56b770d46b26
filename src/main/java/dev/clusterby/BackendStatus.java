package dev.clusterby;

/**
 * One compute backend as this machine sees it (see {@link Clustering#backends()}).
 *
 * @param name      the name it is selected by, such as {@code native}
 * @param available whether it runs here
 * @param detail    its device in words when it runs, else why it does not
 * @param isDefault whether {@code auto} selects it
 */
public record BackendStatus(String name, boolean available, String detail, boolean isDefault) {}

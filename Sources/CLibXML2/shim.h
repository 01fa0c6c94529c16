#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/* xmlFree is a global function-pointer variable, which strict concurrency will not read. */
static inline void blumpo_xml_free(void *pointer) { xmlFree(pointer); }

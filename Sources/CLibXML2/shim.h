/* libxml2's headers include the system ICU when libxml2 was built with it, and that ICU
 * clashes with the ICU Foundation bundles in any Swift module that sees both. Nothing here
 * uses libxml2's ICU converter fields, so the headers are read as if ICU were off. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/* xmlFree is a global function-pointer variable, which strict concurrency will not read. */
static inline void blumpo_xml_free(void *pointer) { xmlFree(pointer); }

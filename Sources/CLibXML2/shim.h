/* libxml2's headers include the system ICU when libxml2 was built with it, and that ICU
 * clashes with the ICU Foundation bundles in any Swift module that sees both. Nothing here
 * uses libxml2's ICU converter fields, so the headers are read as if ICU were off. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/* xmlFree is a global function-pointer variable, which strict concurrency will not read. */
static inline void blumpo_xml_free(void *pointer) { xmlFree(pointer); }

#include <libxml/SAX2.h>

/* libxml2's HTML parser drops an element's namespace prefix (`<s:script>` arrives as `script`),
 * while attributes keep theirs. An SVG taken from a page is stored as XML, where the prefix
 * decides what an element is, so this start handler keeps the element's name as written. */
static inline void blumpo_start_element(void *context, const xmlChar *name, const xmlChar **attributes) {
    xmlSAX2StartElement(context, name, attributes);
    htmlParserCtxtPtr parser = (htmlParserCtxtPtr)context;
    if (parser->node != NULL && xmlStrchr(name, ':') != NULL) xmlNodeSetName(parser->node, name);
}

/* htmlReadMemory with the start handler above. */
static inline htmlDocPtr blumpo_html_read_memory(const char *buffer, int size, const char *encoding, int options) {
    htmlParserCtxtPtr parser = htmlNewParserCtxt();
    if (parser == NULL) return NULL;
    parser->sax->startElement = blumpo_start_element;
    htmlDocPtr document = htmlCtxtReadMemory(parser, buffer, size, NULL, encoding, options);
    htmlFreeParserCtxt(parser);
    return document;
}

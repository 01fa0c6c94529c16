import Brands
import HTMLParser
import Testing

/// A stored SVG logo is XML, where prefixes mean what their `xmlns` declarations say: the
/// sanitizer judges every name by (namespace, local name), never by how it is spelled.
@Suite struct SVGSanitizerTests {
    func sanitized(_ markup: String) throws -> String {
        let svg = try #require(HTMLDocument(html: "<html><body>\(markup)</body></html>").root.all("svg").first)
        return SVGSanitizer.standalone(svg)
    }

    @Test func aScriptUnderAPrefixBoundToTheSVGNamespaceIsDropped() throws {
        let out = try sanitized(#"<svg><s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script><rect width="4" height="4"/></svg>"#)
        #expect(!out.contains("script"))
        #expect(!out.contains("alert"))
        #expect(out.contains("<rect height=\"4\" width=\"4\"></rect>"))
    }

    @Test func safeElementsUnderAnSVGPrefixAreKeptByTheirLocalName() throws {
        let out = try sanitized(#"<svg xmlns:s="http://www.w3.org/2000/svg"><s:g><s:circle r="2"/></s:g></svg>"#)
        #expect(out == #"<svg xmlns="http://www.w3.org/2000/svg"><g><circle r="2"></circle></g></svg>"#)
    }

    @Test func elementsOutsideTheSVGNamespaceAreDroppedWithTheirContent() throws {
        let out = try sanitized("""
            <svg><h:div xmlns:h="http://www.w3.org/1999/xhtml"><h:img src="https://tracker.example/p.gif"/></h:div>\
            <g xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script><rect width="1"/></g>\
            <undeclared:rect width="2"/><path d="M0 0h4"/></svg>
            """)
        #expect(out == #"<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h4"></path></svg>"#)
    }

    @Test func scriptsForeignObjectsAnimationsAndUnknownElementsAreDropped() throws {
        let out = try sanitized("""
            <svg><script>alert(1)</script><foreignObject><iframe src="https://evil.example"></iframe></foreignObject>\
            <a href="#top"><set attributeName="href" to="javascript:alert(1)"/><animate attributeName="href" values="javascript:alert(1)"/></a>\
            <handler>alert(1)</handler><rect width="1"/></svg>
            """)
        #expect(out == ##"<svg xmlns="http://www.w3.org/2000/svg"><a href="#top"></a><rect width="1"></rect></svg>"##)
    }

    @Test func eventHandlersAreDroppedWhateverTheirPrefixOrCase() throws {
        let out = try sanitized("""
            <svg onload="alert(1)" xmlns:s="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">\
            <rect ONCLICK="alert(2)" s:onclick="alert(3)" x:onmouseover="alert(4)" width="1"/></svg>
            """)
        #expect(out == #"<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"></rect></svg>"#)
    }

    @Test func referencesMustStayInTheFileUnderAnyXLinkPrefix() throws {
        let out = try sanitized("""
            <svg xmlns:x="http://www.w3.org/1999/xlink" xmlns:l="http://www.w3.org/1999/xlink">\
            <use x:href="javascript:alert(1)"/><use l:href="https://evil.example/sprite.svg#a"/><use href=" javascript:alert(1)"/>\
            <use x:href="#mark"/><image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/><image x:href="data:image/png;base64,iVBORw0KGgo="/>\
            <feImage href="//evil.example/x.png"/><a x:title="t" href="https://evil.example">x</a></svg>
            """)
        #expect(out == """
            <svg xmlns="http://www.w3.org/2000/svg"><use></use><use></use><use></use><use href="#mark"></use><image></image>\
            <image href="data:image/png;base64,iVBORw0KGgo="></image><feImage></feImage><a>x</a></svg>
            """)
    }

    @Test func stylesThatLoadAnythingAreDroppedAndLocalPaintIsKept() throws {
        let out = try sanitized("""
            <svg><style>@import "https://evil.example/x.css"; .a { fill: red }</style>\
            <style>.b { background: url(https://evil.example/p.gif) }</style><style>.c { fill: u\\72l(https://evil.example) }</style>\
            <style>.d { fill: url(#g) }</style>\
            <rect style="fill: url( 'https://evil.example/p.gif' )" fill="url(#g)" stroke="url(https://evil.example/#g)" width="1"/></svg>
            """)
        #expect(out == #"<svg xmlns="http://www.w3.org/2000/svg"><style>.d { fill: url(#g) }</style><rect fill="url(#g)" width="1"></rect></svg>"#)
    }

    @Test func aFileWhoseRootCarriesAPrefixIsStillFound() throws {
        let file = HTMLDocument(html: #"<?xml version="1.0"?><s:svg xmlns:s="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><s:rect width="4" height="4"/></s:svg>"#)
        let root = try #require(SVGSanitizer.root(in: file))
        #expect(SVGSanitizer.standalone(root) == #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect height="4" width="4"></rect></svg>"#)
    }

    @Test func noNamespaceDeclarationButTheRootsSurvives() throws {
        let out = try sanitized(#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:s="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><s:path xmlns:t="urn:x" d="M0 0"/></svg>"#)
        #expect(out == #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><path d="M0 0"></path></svg>"#)
    }
}

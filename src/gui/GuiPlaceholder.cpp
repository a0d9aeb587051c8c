// Placeholder so the library has a translation unit until the first widget lands.
namespace tango::gui {
int placeholder() { return 0; }
}
